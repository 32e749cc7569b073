Control characters never reach the terminal from ikesh's output: text
holding an escape sequence (typed here with Ctrl-V Esc) is shown with ^[
in its place, in output and in error lines alike.
@@ pty
@@ input
> echo a<C-v><ESC>[2J b<C-v><C-g>
@@ screen
ikesh#echo a^[[2J b^G
a^[[2J b^G
a^[[2J b^G
ikesh#
