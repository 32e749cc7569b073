`?` shows the help for the line so far and puts the line back without
the `?`; inside quotes it is an ordinary character.
@@ pty
@@ input
+ ?
+ show ?
+ <C-u>sh l?
+ <C-u>show lines ?
+ <C-u>x?
+ <C-u>
> conf t
+ ?
+ <C-u>
> tunnel HQ
+ description "what?"
+ <CR>
+ exit
> <C-a>
@@ screen
ikesh#?
  show             Show running system information
  configure        Enter configuration mode
  terminal         Set terminal line parameters
  fail             A command that fails
  echo             Print the words, as output and as an error
  exit             Leave the shell
ikesh#show ?
  version          Software version
  lines            Numbered lines
  wide             Lines of 100 characters
  forever          Lines until stopped
  running-config   Current configuration
ikesh#sh l?
lines
ikesh#show lines ?
  <1-100000>       How many
ikesh#x?
% Unrecognized command
ikesh#conf t
ikesh(config)#?
  show             Show running system information
  hostname         Set the system's name
  tunnel           A tunnel (enters its mode)
  commit           Apply the candidate configuration
  end              Leave configuration mode
  exit             Leave this mode
ikesh(config)#tunnel HQ
ikesh(config-tunnel)#description "what?"
ikesh(config-tunnel)#exit
ikesh(config)#
