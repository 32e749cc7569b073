The --More-- pager: a page is `terminal length` lines (the --More-- line
included); space shows the next page, Enter one more line, q or Ctrl-C
stops the output, and the --More-- prompt is erased.  Length 0 turns the
pager off; a terminal starts at 24.
@@ pty
@@ input
> show lines 25
+ <SP>
> terminal length 5
> show lines 12
+ <SP>
+ <CR>
+ <CR>
+ q
> show lines 9
+ <C-c>
> show lines 4
> terminal length 0
> show lines 30
@@ screen
ikesh#show lines 25
line 1
line 2
line 3
line 4
line 5
line 6
line 7
line 8
line 9
line 10
line 11
line 12
line 13
line 14
line 15
line 16
line 17
line 18
line 19
line 20
line 21
line 22
line 23
line 24
line 25
ikesh#terminal length 5
ikesh#show lines 12
line 1
line 2
line 3
line 4
line 5
line 6
line 7
line 8
line 9
line 10
ikesh#show lines 9
line 1
line 2
line 3
line 4
ikesh#show lines 4
line 1
line 2
line 3
line 4
ikesh#terminal length 0
ikesh#show lines 30
line 1
line 2
line 3
line 4
line 5
line 6
line 7
line 8
line 9
line 10
line 11
line 12
line 13
line 14
line 15
line 16
line 17
line 18
line 19
line 20
line 21
line 22
line 23
line 24
line 25
line 26
line 27
line 28
line 29
line 30
ikesh#
