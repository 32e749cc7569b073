Help longer than a page goes through the pager too; after q the line
being typed comes back, without the `?`.
@@ pty
@@ input
> terminal length 3
+ show ?
+ q
+ v<CR>
@@ screen
ikesh#terminal length 3
ikesh#show ?
  version          Software version
  lines            Numbered lines
ikesh#show v
ikesh (fake command layer)
ikesh#
