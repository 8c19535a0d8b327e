# Issue 6: a type error names the JSON path.
printf '{"schema":"taskdiff.tasks/1","tasks":[{"frames":["main.f"]}]}\n' > base.json
{
  printf '{"schema":"taskdiff.tasks/1","tasks":[\n'
  for i in $(seq 12); do printf '{"frames":["main.f"]},\n'; done
  printf '{"frames":["main.a","main.b","main.c",3]}]}\n'
} > cand.json
"$TD" diff base.json cand.json
