Lines typed (or pasted) ahead, while a command runs or before a question
shows, are echoed once, in order, where they are read: each at its
prompt, the answer after its question.
@@ pty
@@ input
+ conf t<CR>hostname R1<CR>end<CR>yes<CR>show lines 2<CR>conf t<CR>hostname R2<CR>exit<CR>nx<BS><CR>show running-config<CR>
@@ screen
ikesh#conf t
ikesh(config)#hostname R1
ikesh(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 yes
R1#show lines 2
line 1
line 2
R1#conf t
R1(config)#hostname R2
R1(config)#exit
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 n
R1#show running-config
hostname R1
R1#
