# bash completion for taskdiff
# Works with Debian's bash-completion package (_init_completion, _filedir) and without it.
_taskdiff_files() {
  if declare -F _filedir >/dev/null; then
    _filedir
  else
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
_taskdiff() {
  local cur prev words cword split
  if declare -F _init_completion >/dev/null; then
    _init_completion -s || return # -s: `--color=al` gives prev `--color`, cur `al`
  else
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} cword=$COMP_CWORD
    words=("${COMP_WORDS[@]}")
    # `=` breaks words in bash (COMP_WORDBREAKS): `--color=al` is `--color` `=` `al`.
    if [[ $prev == = && $cword -ge 2 ]]; then
      prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == = ]]; then
      cur=""
    fi
  fi
  local commands="diff show snapshot formats help"
  # Options of every command that reads dumps; diff and show add the report and key options.
  local inputs="-o --output --input-format --allow-truncated --max-input-size --max-groups --threads -h --help"
  local common="$inputs --format --color --key --depth"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands -h --help --version" -- "$cur"))
    return
  fi
  local command=${words[1]}
  # An option's values, for the commands that take it (snapshot has no --format).
  case $command:$prev in
    diff:--format|show:--format|formats:--format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    diff:--color|show:--color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    diff:--key|show:--key) COMPREPLY=($(compgen -W "default strict default,labels strict,labels" -- "$cur")); return ;;
    *:--input-format) COMPREPLY=($(compgen -W "go-debug2 go-traceback go-debug1 pprof java java-threads-text java-threads-json snapshot tasks-json" -- "$cur")); return ;;
    *:-o|*:--output) _taskdiff_files; return ;;
    *:--depth|*:--max-input-size|*:--max-groups|*:--threads|*:--min-new|*:--min-delta|*:--min-ratio) return ;;
  esac
  case $command in
    diff) COMPREPLY=($(compgen -W "$common --min-new --min-delta --min-ratio -q --quiet" -- "$cur")) ;;
    show) COMPREPLY=($(compgen -W "$common --all" -- "$cur")) ;;
    snapshot) COMPREPLY=($(compgen -W "$inputs --keep-labels" -- "$cur")) ;;
    formats) COMPREPLY=($(compgen -W "--format -h --help" -- "$cur")); return ;;
    help) [[ $cword -eq 2 ]] && COMPREPLY=($(compgen -W "diff show snapshot formats help" -- "$cur")); return ;;
  esac
  [[ $cur == -* ]] || _taskdiff_files
}
complete -F _taskdiff taskdiff
