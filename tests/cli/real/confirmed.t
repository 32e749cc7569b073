A confirmed commit that nobody confirms reverts by itself while the
prompt waits (one minute: the shortest the command takes); the warning
is printed above the prompt of a session with `terminal monitor`, the prompt takes the old hostname back, and
the line being typed stays.  `confirm` keeps a confirmed commit.
@@ mask \S+ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d => USER YYYY-MM-DD hh:mm:ss
@@ pty
@@ input
> terminal monitor
> conf t
> hostname before
> commit
> hostname after
> commit confirmed 1
> do show configuration commit list
> end
+ show ver<SLEEP 63>
+ <CR>
> show running-config
> conf t
> hostname kept
> commit confirmed 1
> confirm
> do show configuration commit list
> end
@@ screen
ikesh#terminal monitor
ikesh#conf t
ikesh(config)#hostname before
ikesh(config)#commit
commit 1 by {user}
before(config)#hostname after
before(config)#commit confirmed 1
commit 2 by {user}: reverts in 1 minute unless confirmed
Commit 2 applied; it reverts in 1 minute unless confirmed with `commit` or `conf
irm`.
after(config)#do show configuration commit list
SNo. ID         User             Time                Comment
1    2          USER YYYY-MM-DD hh:mm:ss  (confirm pending)
2    1          USER YYYY-MM-DD hh:mm:ss
after(config)#end
commit 2 was not confirmed in time: reverted to the configuration of commit 1 (n
ow commit 3)
before#show ver
ikesh version 0.1.0
Engine: embedded
before#show running-config
Building configuration...
hostname before
!
before#conf t
before(config)#hostname kept
before(config)#commit confirmed 1
commit 4 by {user}: reverts in 1 minute unless confirmed
Commit 4 applied; it reverts in 1 minute unless confirmed with `commit` or `conf
irm`.
kept(config)#confirm
commit 4 confirmed by {user}
Commit confirmed.
kept(config)#do show configuration commit list
SNo. ID         User             Time                Comment
1    4          USER YYYY-MM-DD hh:mm:ss
2    3          USER YYYY-MM-DD hh:mm:ss revert of unconfirmed commi
t 2
3    2          USER YYYY-MM-DD hh:mm:ss
4    1          USER YYYY-MM-DD hh:mm:ss
kept(config)#end
kept#
