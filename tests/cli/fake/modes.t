Prompts in every mode, abbreviations, and each syntax error with its
caret under the bad word (the prompt's width counted, as on IOS).
@@ pty
@@ input
> show version
> conf t
> tunnel HQ
> exit
> tunnel BRANCH-1
> end
> shw version
> show versoin
> configure terminal
> hostname R1 extra
> tunnel HQ
> show lines 0
> e
> commit
> sh
> exit
> exit
> exit
@@ screen
ikesh#show version
ikesh (fake command layer)
ikesh#conf t
ikesh(config)#tunnel HQ
ikesh(config-tunnel)#exit
ikesh(config)#tunnel BRANCH-1
ikesh(config-tunnel)#end
ikesh#shw version
      ^
% Invalid input detected at '^' marker.

ikesh#show versoin
           ^
% Invalid input detected at '^' marker.

ikesh#configure terminal
ikesh(config)#hostname R1 extra
                          ^
% Invalid input detected at '^' marker.

ikesh(config)#tunnel HQ
ikesh(config-tunnel)#show lines 0
                                ^
% Invalid input detected at '^' marker.

ikesh(config-tunnel)#e
% Ambiguous command: "e"

ikesh(config-tunnel)#commit
ikesh(config-tunnel)#sh
% Incomplete command.

ikesh(config-tunnel)#exit
ikesh(config)#exit
ikesh#exit
@@ exit 0
