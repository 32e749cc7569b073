Scripts: -c (repeatable), -f FILE, standard input and #! files run lines
as if typed at the EXEC prompt; `!` and `#` begin a comment as the first
character of a line only (inside a line they are text, as at the prompt);
configuration is committed once, at the end;
the first error prints ORIGIN:LINE: % message, stops, exits 1.
@@ run -c "show lines 2" -c "conf t" -c "hostname R1" -c "  ! a comment" -c end -c "show running-config"
@@ stdout
line 1
line 2
hostname ikesh
@@ run -c "show version" -c "shw lines" -c "show lines 1"
@@ stdout
ikesh (fake command layer)
@@ stderr
-c:2: % Invalid input detected at 'shw'
@@ exit 1
@@ run -c "show lines 1{nl}show lines 0"
@@ stdout
line 1
@@ stderr
-c:2: % Invalid input detected at '0'
@@ exit 1
@@ run -c fail -c "show version"
@@ stderr
-c:1: % the fake command failed
@@ exit 1
@@ run -c "conf t" -c "e"
@@ stderr
-c:2: % Ambiguous command: "e"
@@ exit 1
@@ run -c "conf t" -c "tunnel"
@@ stderr
-c:2: % Incomplete command.
@@ exit 1
@@ run -c "conf t" -c "hostname invalid" -c "end"
@@ stderr
-c: % Commit failed: hostname 'invalid' is refused
@@ exit 1
@@ run -c "show version" -c exit -c "show lines 1"
@@ stdout
ikesh (fake command layer)
@@ file cfg.ikesh
! a configuration script
   # indented comment
configure terminal
 tunnel HQ
  key "a#b!c"
  key abc#def
  description Link to ISP #2
  end
# a comment line
show lines 1
@@ run -f {tmp}/cfg.ikesh
@@ stdout
line 1
@@ file bad.ikesh
configure terminal
! the next line is wrong

hostname R1 R2
show lines 1
@@ run -f {tmp}/bad.ikesh
@@ stderr
{tmp}/bad.ikesh:4: % Invalid input detected at 'R2'
@@ exit 1
@@ run
@@ stdin
show lines 1
conf t
tunnel
@@ stdout
line 1
@@ stderr
<stdin>:3: % Incomplete command.
@@ exit 1
@@ run
@@ stdin
show lines 2
@@ stdout
line 1
line 2
@@ file run-me 755
#!{ikesh} -f
! a script run by the kernel
show lines 3
@@ exec {tmp}/run-me
@@ stdout
line 1
line 2
line 3
@@ file nul.ikesh
show lines 1
show{nul}lines 2
show lines 3
@@ run -f {tmp}/nul.ikesh
@@ stdout
line 1
@@ stderr
{tmp}/nul.ikesh:2: % Error: a NUL byte in the line
@@ exit 1
@@ run
@@ stdin
show lines 1
show{nul} lines 2
@@ stdout
line 1
@@ stderr
<stdin>:2: % Error: a NUL byte in the line
@@ exit 1
@@ # a huge bad word is named by its first 64 characters
@@ file long.ikesh
show xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
@@ run -f {tmp}/long.ikesh
@@ stderr
{tmp}/long.ikesh:1: % Invalid input detected at 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'
@@ exit 1
