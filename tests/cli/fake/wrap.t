A line longer than the terminal: the caret still lands under the bad
word, on the row right below the wrapped row that holds it.
@@ pty
@@ input
> show                                                                                     zz
@@ screen
ikesh#show
               zz
               ^
% Invalid input detected at '^' marker.

ikesh#
