#!/bin/sh
# ceh print-slip --format pdf --pdfa: a PDF/A-2b slip for archives.
# veraPDF is not in Debian; where it is installed it judges the file,
# and everywhere the PDF/A parts are checked by independent tools: qpdf
# --check (structure, the incremental update), pikepdf (the catalog's
# XMP metadata and output intent, the trailer's ID), the XMP read as XML
# (pdfaid part 2, conformance B, the same title, creator, producer and
# date as the information dictionary), the ICC profile loaded by
# littlecms (PIL.ImageCms), the fonts embedded (pdffonts) (issue 18).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! command -v qpdf >/dev/null 2>&1 || ! command -v pdffonts >/dev/null 2>&1 ||
    ! $PY -c 'import pikepdf' 2>/dev/null; then
	echo "1..0 # SKIP needs qpdf, pdffonts and python3-pikepdf"
	exit 0
fi
. "$(dirname "$0")/0500-slip-lib.sh"
plan 16

expect_code 2 "--pdfa without --format pdf" ceh print-slip --id $ID1 --from 2019 --to 2023 --pdfa
like "$T/err" "\-\-pdfa is a kind of PDF: give --format pdf" "says so"
expect_code 0 "a PDF/A slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --format pdf --pdfa -o "$T/a.pdf"
num=$(cut -f1 "$T/out")
ok "qpdf --check: no syntax or stream errors" qpdf --check "$T/a.pdf"
ok "pikepdf: metadata, output intent, ID; XMP says PDF/A-2b and agrees with the information dictionary" $PY -c '
import sys, pikepdf
import xml.etree.ElementTree as ET
p = pikepdf.open(sys.argv[1])
r = p.Root
assert r.Metadata.Type == "/Metadata" and r.Metadata.Subtype == "/XML"
oi = r.OutputIntents
assert len(oi) == 1 and oi[0].S == "/GTS_PDFA1" and oi[0].Type == "/OutputIntent"
assert str(oi[0].OutputConditionIdentifier)
prof = oi[0].DestOutputProfile
assert int(prof.N) == 3
icc = prof.read_bytes()
assert int.from_bytes(icc[:4], "big") == len(icc), "ICC size"
assert icc[36:40] == b"acsp" and icc[12:16] == b"mntr" and icc[16:20] == b"RGB ", icc[:40]
assert len(p.trailer.ID) == 2
assert "/Encrypt" not in p.trailer
x = ET.fromstring(r.Metadata.read_bytes().split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
ns = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/"}
d = x.find(".//rdf:Description", ns)
assert d.find("pdfaid:part", ns).text == "2"
assert d.find("pdfaid:conformance", ns).text == "B"
info = p.docinfo
assert d.find("dc:title/rdf:Alt/rdf:li", ns).text == str(info.Title) == "湖南省专业技术人员继续教育学时认定单"
assert d.find("xmp:CreatorTool", ns).text == str(info.Creator)
assert d.find("pdf:Producer", ns).text == str(info.Producer)
assert d.find("xmp:CreateDate", ns).text == "2025-06-01T02:00:00Z"
assert str(info.CreationDate) == "D:20250601020000Z", str(info.CreationDate)
' "$T/a.pdf"
if $PY -c 'from PIL import ImageCms' 2>/dev/null; then
	ok "littlecms loads the output intent's sRGB profile" $PY -c '
import io, sys, pikepdf
from PIL import ImageCms
icc = pikepdf.open(sys.argv[1]).Root.OutputIntents[0].DestOutputProfile.read_bytes()
pr = ImageCms.ImageCmsProfile(io.BytesIO(icc))
assert "sRGB" in ImageCms.getProfileDescription(pr)
ImageCms.buildTransform(pr, ImageCms.createProfile("sRGB"), "RGB", "RGB")' "$T/a.pdf"
else
	_report 0 "# SKIP no PIL.ImageCms"
fi
pdffonts "$T/a.pdf" > "$T/fonts"
ok "every font embedded" sh -c "awk 'NR > 2 && \$(NF-4) != \"yes\" { bad = 1 } END { exit bad }' '$T/fonts'"
pdfinfo "$T/a.pdf" > "$T/info"
like "$T/info" "^Metadata Stream: +yes" "pdfinfo sees the metadata stream"
like "$T/info" "^Pages: +1$" "one page"
unlike "$T/info" "^JavaScript: +yes" "no JavaScript"
pdftotext "$T/a.pdf" "$T/a.txt"
like "$T/a.txt" "编号：$num" "the text is still there"
expect_code 0 "printed again" ceh print-slip --id $ID1 --from 2019 --to 2023 --format pdf --pdfa -o "$T/b.pdf"
same "$T/a.pdf" "$T/b.pdf" "the same slip gives the same bytes"
expect_code 0 "the plain PDF of the same slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --format pdf -o "$T/plain.pdf"
ok "has no PDF/A metadata" sh -c "! pdfinfo '$T/plain.pdf' | grep -q '^Metadata Stream: *yes'"
if command -v verapdf >/dev/null 2>&1; then
	ok "veraPDF: PDF/A-2b compliant" sh -c "verapdf --flavour 2b '$T/a.pdf' | grep -q 'isCompliant=\"true\"'"
else
	_report 0 "# SKIP veraPDF is not installed (not in Debian)"
fi
done_testing
