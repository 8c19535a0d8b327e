printf '{"schema":"taskdiff.tasks/2","tasks":[{"frames":["a"]}]}\n' > cand.json
"$TD" show cand.json
