# fish completion for taskdiff: `cmake --install` puts it in share/fish/vendor_completions.d;
# by hand, copy it to ~/.config/fish/completions/. tests/fish-completion.sh checks it in fish.

# The command given (diff, show...), or nothing before one is.
function __taskdiff_command
    for word in (commandline -opc)[2..-1]
        switch $word
            case '-*'
                continue
            case '*'
                echo $word
                return
        end
    end
end

# Whether the command given is one of the arguments.
function __taskdiff_command_in
    set -l command (__taskdiff_command)
    test -n "$command"; and contains -- $command $argv
end

# Whether no command is given yet.
function __taskdiff_no_command
    set -l command (__taskdiff_command)
    test -z "$command"
end

complete -c taskdiff -f

# Before a command: the commands, and the options of taskdiff itself.
complete -c taskdiff -n __taskdiff_no_command -s h -l help -d 'Show help and exit'
complete -c taskdiff -n __taskdiff_no_command -l version -d 'Show the version and exit'
complete -c taskdiff -n __taskdiff_no_command -a diff -d 'Compare BASE with CAND; exit 1 on new or growing groups'
complete -c taskdiff -n __taskdiff_no_command -a show -d 'List the groups of one dump, largest first'
complete -c taskdiff -n __taskdiff_no_command -a snapshot -d 'Store dumps (replicas merged) as a baseline for diff'
complete -c taskdiff -n __taskdiff_no_command -a formats -d 'List the input formats and how to capture each'
complete -c taskdiff -n __taskdiff_no_command -a help -d 'Print the help of COMMAND, or this help'

# The commands that read dumps: files (`-` reads stdin), and the input options.
set -l readers diff show snapshot
complete -c taskdiff -n "__taskdiff_command_in $readers; and not string match -q -- '-*' (commandline -ct)" -F
complete -c taskdiff -n "__taskdiff_command_in $readers" -s o -l output -r -F -d 'Write to FILE atomically'
complete -c taskdiff -n "__taskdiff_command_in $readers" -l input-format -x -a 'go-debug2 go-traceback go-debug1 pprof java java-threads-text java-threads-json snapshot tasks-json' -d 'Force the input format'
complete -c taskdiff -n "__taskdiff_command_in $readers" -l allow-truncated -d 'Read a truncated text dump anyway'
complete -c taskdiff -n "__taskdiff_command_in $readers" -l max-input-size -x -d 'Largest input after decompression (K, M, G)'
complete -c taskdiff -n "__taskdiff_command_in $readers" -l max-groups -x -d 'Most distinct stacks per input'
complete -c taskdiff -n "__taskdiff_command_in $readers" -l threads -x -d 'Parser threads per input (1-64)'
complete -c taskdiff -n "__taskdiff_command_in $readers formats" -s h -l help -d 'Show help and exit'

# The commands that print a report of groups.
complete -c taskdiff -n '__taskdiff_command_in diff show formats' -l format -x -a 'text json' -d 'Report format'
complete -c taskdiff -n '__taskdiff_command_in diff show' -l color -x -a 'auto always never' -d 'Colour the text report'
complete -c taskdiff -n '__taskdiff_command_in diff show' -l key -x -a 'default strict default,labels strict,labels' -d 'Group key'
complete -c taskdiff -n '__taskdiff_command_in diff show' -l depth -x -d 'Frames from the leaf in the key (1-1000)'

complete -c taskdiff -n '__taskdiff_command_in diff' -l min-new -x -d 'A NEW group needs at least this many'
complete -c taskdiff -n '__taskdiff_command_in diff' -l min-delta -x -d 'A GROWING group must gain at least this many'
complete -c taskdiff -n '__taskdiff_command_in diff' -l min-ratio -x -d '...and this fraction of its base count'
complete -c taskdiff -n '__taskdiff_command_in diff' -s q -l quiet -d 'No report on stdout; the exit status tells'
complete -c taskdiff -n '__taskdiff_command_in show' -l all -d 'Also list runtime goroutines and the dumping goroutine'
complete -c taskdiff -n '__taskdiff_command_in snapshot' -l keep-labels -d 'Keep every pprof label set apart'

# `taskdiff help COMMAND`: one command.
complete -c taskdiff -n '__taskdiff_command_in help; and test (count (commandline -opc)) -eq 2' -a 'diff show snapshot formats help'
