TAB: one candidate completes the word and adds a blank; several extend
the word to their common prefix, or are listed when none can be added.
@@ pty
@@ input
+ sh<TAB>
+ r<TAB>
+ <CR>
+ show <TAB>
+ <C-u>conf<TAB>t<TAB>
+ <CR>
+ tunnel <TAB>
+ B<TAB>
+ <TAB>
+ 2<TAB>
+ <CR>
+ zz<TAB>
+ <C-u>e<TAB>
+ <C-u>
@@ screen
ikesh#show running-config
hostname ikesh
ikesh#show
version  lines  wide  forever  running-config
ikesh#configure terminal
ikesh(config)#tunnel
BRANCH-1  BRANCH-2  HQ
ikesh(config)#tunnel BRANCH-
BRANCH-1  BRANCH-2
ikesh(config)#tunnel BRANCH-2
ikesh(config-tunnel)#e
end  exit
ikesh(config-tunnel)#
