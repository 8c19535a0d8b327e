printf '{"schema":"taskdiff.tasks/1",\n"tasks":[{"frames":["a"]},\n{"frames":["b",]}]}\n' > cand.json
"$TD" show cand.json
