Leaving configuration mode with uncommitted changes asks; an empty
answer or `cancel` stays, Ctrl-C stays, `yes` commits (the prompt takes
the new hostname), `no` discards.
@@ pty
@@ input
> conf t
> hostname R1
> end
> 
> end
> maybe
> cancel
> end
+ <C-c>
> end
> yes
> conf t
> hostname R9
> exit
> n
> show running-config
@@ screen
ikesh#conf t
ikesh(config)#hostname R1
ikesh(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:

ikesh(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 maybe
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 cancel
ikesh(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 ^C
ikesh(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 yes
R1#conf t
R1(config)#hostname R9
R1(config)#exit
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 n
R1#show running-config
hostname R1
R1#
@@ # the answer is edited like a line: Ctrl-U clears it, Backspace erases; Ctrl-D on an empty answer stays
@@ pty
@@ input
> conf t
> hostname R4
> end
+ <C-d>
> end
+ yes<C-u>nx<BS><CR>
> show running-config
@@ screen
ikesh#conf t
ikesh(config)#hostname R4
ikesh(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:

ikesh(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 n
ikesh#show running-config
hostname ikesh
ikesh#
