# A script's task lists, before and after: the growing pool is found; ids and the digits of
# names do not split groups.
write() { # COUNT FILE
  {
    printf '{"schema":"taskdiff.tasks/1","runtime":"other","tasks":[\n'
    printf '{"id":0,"name":"main","state":"running","frames":["app.serve","app.main"]}'
    for i in $(seq "$1"); do
      printf ',\n{"id":%d,"name":"worker-%d","state":"waiting","frames":["queue.get",{"function":"app.worker","file":"app/worker.py","line":41}],"created_by":"app.start_pool"}' "$i" "$i"
    done
    printf ']}\n'
  } > "$2"
}
write 4 base.json
write 40 cand.json
"$TD" diff base.json cand.json
