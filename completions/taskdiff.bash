# bash completion for taskdiff
_taskdiff() {
  local cur prev words cword
  _init_completion || return
  local commands="diff show snapshot formats help"
  # Options of every command that reads dumps; diff and show add the report and key options.
  local inputs="-o --output --input-format --allow-truncated --max-input-size --max-groups --threads --help"
  local common="$inputs --format --color --key --depth"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --key) COMPREPLY=($(compgen -W "default strict default,labels strict,labels" -- "$cur")); return ;;
    --input-format) COMPREPLY=($(compgen -W "go-debug2 go-traceback go-debug1 pprof java java-threads-text java-threads-json snapshot tasks-json" -- "$cur")); return ;;
    -o|--output) _filedir; return ;;
    --depth|--max-input-size|--max-groups|--threads|--min-new|--min-delta|--min-ratio) return ;;
  esac
  case ${words[1]} in
    diff) COMPREPLY=($(compgen -W "$common --min-new --min-delta --min-ratio -q --quiet" -- "$cur")) ;;
    show) COMPREPLY=($(compgen -W "$common --all" -- "$cur")) ;;
    snapshot) COMPREPLY=($(compgen -W "$inputs" -- "$cur")) ;;
    formats) COMPREPLY=($(compgen -W "--format --help" -- "$cur")) ;;
    help) [[ $cword -eq 2 ]] && COMPREPLY=($(compgen -W "diff show snapshot formats" -- "$cur")); return ;;
  esac
  [[ $cur == -* ]] || _filedir
}
complete -F _taskdiff taskdiff
