A recalled line that is edited and left (Down) keeps its edits in
readline's history until the session ends; logging out releases them
(the sanitizer build checks that nothing leaks).
@@ pty
@@ input
> show lines 1
+ <UP>1<DOWN>
+ <C-d>
@@ screen
ikesh#show lines 1
line 1
ikesh#
@@ exit 0
