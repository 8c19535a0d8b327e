cd "$TESTDATA/java"
# The same Java program before and after a rebuild that added one lambda: javac renumbered the
# later ones (lambda$main$0 -> lambda$main$1...). The default key must not see a new group.
"$TD" diff jdk17-lambdas.before.jstack.txt jdk17-lambdas.after-rebuild.jstack.txt
