Control characters never reach the terminal from ikesh's output: text
holding an escape sequence (typed here with Ctrl-V Esc) is shown with ^[
in its place, in output and in error lines alike; the startup-config
below holds an ESC sequence and a C1 control (U+009B) in a bad word, and
its error message shows them as ^[ and ?.
@@ config escape.cfg
@@ pty
@@ input
> echo a<C-v><ESC>[2J b<C-v><C-g>
@@ screen
startup-config:2: % Invalid input detected at 'bo^[[2Jgus?x'
ikesh#echo a^[[2J b^G
a^[[2J b^G
a^[[2J b^G
ikesh#
@@ # the same message from a script run
@@ run -c "show version"
@@ stdout
ikesh (fake command layer)
@@ stderr
startup-config:2: % Invalid input detected at 'bo^[[2Jgus?x'
