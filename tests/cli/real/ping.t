`ping`'s arguments and their checks (the echoes themselves are tested in
a network namespace by ping_check.py).
@@ pty
@@ input
+ ping ?
+ <C-u>ping 127.0.0.1 ?
+ <C-u>
> ping 127.0.0.1 size 20
> ping 127.0.0.1 source ::1 repeat 1
> ping 127.0.0.1 source 127.0.0.1 interface lo
> ping 127.0.0.1 interface nope0
@@ screen
ikesh#ping ?
  A.B.C.D|X:X::X  Destination address
  interface       IFNAME Send from this interface
  repeat          <1-1000> Echoes to send (default 5)
  size            <36-9048> Datagram size in bytes (default 100)
  source          A.B.C.D|X:X::X Send from this address (a local subnet's)
  timeout         <1-60> Seconds to wait for each reply (default 2)
ikesh#ping 127.0.0.1 ?
  interface  IFNAME Send from this interface
  repeat     <1-1000> Echoes to send (default 5)
  size       <36-9048> Datagram size in bytes (default 100)
  source     A.B.C.D|X:X::X Send from this address (a local subnet's)
  timeout    <1-60> Seconds to wait for each reply (default 2)
  <cr>
ikesh#ping 127.0.0.1 size 20
                          ^
% Invalid input detected at '^' marker.
% 20 is out of range 36-9048

ikesh#ping 127.0.0.1 source ::1 repeat 1
% Error: source ::1 is not an address of the same family
ikesh#ping 127.0.0.1 source 127.0.0.1 interface lo
% Error: give a source address or an interface, not both
ikesh#ping 127.0.0.1 interface nope0
% Error: no interface named nope0
ikesh#
