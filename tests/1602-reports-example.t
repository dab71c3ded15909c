#!/bin/sh
# examples/reports.sh runs on the example store and answers its three
# questions.
. "$(dirname "$0")/lib.sh"
plan 7
expect_code 0 "examples/reports.sh runs" env CEH_BIN="$CEH_BIN" sh "$CEH_ROOT/examples/reports.sh" "$T/ex"
like "$T/out" "^91430100MA4L222221 +长沙市规划设计院 +2 +2 +0 +1 " "1: staff of each employer in 2024, one still waiting"
like "$T/out" "^430102198001011014 +王五 .* not_approved +未核认 .* 30 +60 +90 +30 +40 " "2: who falls short and by how much, and what is declared"
like "$T/out" "^waiting_supervisor	待主管部门审核	1$" "3: what is still waiting where"
like "$T/out" "^430104199001014562-[0-9a-z]+	欧阳娜娜	待审核	12430000MB1234567W$" "3: and which applications, listed by where they wait"
ok "the printable pages are written" test -s "$T/ex/stats.html" -a -s "$T/ex/shortfall.html"
unlike "$T/ex/stats.html" "<script" "and hold no script"
done_testing
