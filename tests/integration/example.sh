#!/bin/sh
# The README's main job: examples/run-example.sh on the bundled example.
. "${MXSHIM_TOP:-.}/tests/lib.sh"

out=$("$TOP/examples/run-example.sh" 2>&1); rc=$?
t_is "$rc" 0 "the example runs to the end"
t_like "$out" "mxshimd: serving 5 rules from /.*/examples/overrides.conf" \
    "mxshimd starts on the example rules"
t_like "$out" "hosted.example.[[:space:]]+60[[:space:]]+IN[[:space:]]+MX[[:space:]]+10 smtp.myisp.example." \
    "dig: a Google-hosted domain is sent to the ISP relay"
t_like "$out" "10-1-2-3.v4.mxshim.invalid.[[:space:]]+60[[:space:]]+IN[[:space:]]+A[[:space:]]+10.1.2.3" \
    "dig: the address target comes with its glue"
t_like "$out" "own.example.[[:space:]]+3600[[:space:]]+IN[[:space:]]+MX[[:space:]]+10 mx.own.example." \
    "dig: a domain no line applies to is relayed unchanged"
t_like "$out" "10 joe:\\*\\*\\*@smtp.myisp.example:587" "route: the partner's port, password hidden"
t_unlike "$out" letmein "the example never prints the password"
t_done
