printf '{"schema":"taskdiff.tasks/1","tasks":[{"frame":["a"]}]}\n' > cand.json
"$TD" show cand.json
