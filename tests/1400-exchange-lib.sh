# tests/1400-exchange-lib.sh - shared set-up of the exchange tests
# (sourced after lib.sh): three sites in separate folders, each with its
# own key folder holding only its own units' private keys.
#
#   $H  the HR department's site "hr" (agency $AGENCY, the registry)
#   $S  a supervising department's site "sup" ($SUP2 and $SUP1)
#   $E  an employer's site "emp" ($EMP1)
#   $U  the "USB stick": a folder the bundles travel in
#
# at H / at S / at E run ceh against that site with its key folder.
H=$T/hr S=$T/sup E=$T/emp U=$T/stick
mkdir -p "$U"
at() { # at H|S|E CMD...
	_site=$1; shift
	case $_site in
	H) XDG_CONFIG_HOME=$T/keys-hr ceh --store "$H" "$@" ;;
	S) XDG_CONFIG_HOME=$T/keys-sup ceh --store "$S" "$@" ;;
	E) XDG_CONFIG_HOME=$T/keys-emp ceh --store "$E" "$@" ;;
	esac
}
pubkey() { at "$1" key show --unit "$2" | head -1; }
at H key generate --unit $AGENCY >/dev/null &&
at E key generate --unit $EMP1 >/dev/null &&
at S key generate --unit $SUP1 >/dev/null &&
at S key generate --unit $SUP2 >/dev/null &&
at H key show --unit $AGENCY > "$T/agency.pub" || exit 1
# the HR site: the registry, every key certified by the agency
at H init --signed --site hr >/dev/null &&
at H unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 --public-key "$(pubkey H $AGENCY)" >/dev/null &&
at H unit add $SUP1 --name 湖南省住房和城乡建设厅 --kind supervisor --region 439900 >/dev/null &&
at H unit add $SUP2 --name 省建设工程质量安全监督总站 --kind supervisor --parent $SUP1 --region 439900 >/dev/null &&
at H unit add $EMP1 --name 湖南建工集团有限公司 --kind employer --parent $SUP2 --region 439900 >/dev/null &&
at H unit add $EMP2 --name 长沙市规划设计院 --kind employer --parent $SUP1 --region 430100 >/dev/null &&
at H unit certify $EMP1 --as $AGENCY --public-key "$(pubkey E $EMP1)" >/dev/null &&
at H unit certify $SUP1 --as $AGENCY --public-key "$(pubkey S $SUP1)" >/dev/null &&
at H unit certify $SUP2 --as $AGENCY --public-key "$(pubkey S $SUP2)" >/dev/null || exit 1
# the other two start from the agency's public key alone
at E init --signed --site emp --trust "$T/agency.pub" >/dev/null &&
at S init --signed --site sup --trust "$T/agency.pub" >/dev/null || exit 1
# the first bundles from the HR site: registry and certified keys
at H send --to $EMP1 -o "$U/hr-emp-0.bundle" 2>/dev/null &&
at H send --to $SUP2 -o "$U/hr-sup-0.bundle" 2>/dev/null &&
at E receive "$U/hr-emp-0.bundle" >/dev/null 2>&1 &&
at S receive "$U/hr-sup-0.bundle" >/dev/null 2>&1 || exit 1
for _d in "$H" "$E" "$S"; do
	sed -i 's/required: true/required: false/' "$_d/store.yaml"
done
# app_at SITE ID [UNIT]: a new application with one year, at that site
app_at() {
	_a=$(at "$1" apply --id "$2" --name 张三 --ethnicity 汉族 --unit "${3:-$EMP1}" \
	    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
	    --series 工程 --specialty 建筑学 --region 湖南省省本级) &&
	at "$1" add-year "$_a" --year 2023 --public-subject 公需课 --public-hours 30 \
	    --public-form 远程教育 --pro-subject 专业课 --pro-hours 60.5 \
	    --pro-form 培训班 >/dev/null && echo "$_a"
}
# digest_of DIR: store_digest of another store
digest_of() { (CEH_STORE=$1; store_digest); }
