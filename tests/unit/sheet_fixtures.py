#!/usr/bin/python3
# Build the spreadsheets tests/unit/xlsx.c reads, into the directory argv[1]:
# made the way offices make them (openpyxl for .xlsx, xlwt for .xls), plus
# hand-made packages for what openpyxl never writes (inline strings, rich
# text, phonetic runs, escapes, t="d", missing references, the 1904 date
# system) and hostile ones (zip bombs, a truncated file, a DTD, not a zip).
import datetime
import os
import struct
import sys
import zipfile

import openpyxl
import xlwt

out = sys.argv[1]


def path(name):
    return os.path.join(out, name)


def provider():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学时记录"
    ws["A1"] = "2024年度继续教育学时登记表"
    ws.merge_cells("A1:F1")
    ws["A2"] = "填报单位：长沙市第一医院"
    ws.append([])
    ws.append(["证件号码", "姓名", "年度", "学时", "继续教育形式", "日期"])
    ws.append(["430104199001015123", "张三", 2024, 12, "网络培训",
               datetime.date(2024, 3, 5)])
    ws.append([430104199001015123, "李四", "２０２４", 8.5, "线上\n培训",
               datetime.datetime(2024, 3, 5, 14, 30)])
    ws.append([430104199001015000, "王五", 2024, "12学时", None, None])
    ws.append([4.30104199001015e17, "赵六", 2024, 0.1 + 0.2, True, None])
    ws.append(["合计", None, None, 30.8])
    ws.append(["制表人：刘七", None, "审核人：陈八"])
    ws["J12"] = "far"
    wb.create_sheet("说明")["A1"] = "notes"
    wb.save(path("provider.xlsx"))


RAW_SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:sheetData>
<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>inline</x:t></x:is></x:c>
<x:c t="inlineStr"><x:is><x:r><x:t>rich </x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>run</x:t></x:r></x:is></x:c>
<x:c r="E2" t="s"><x:v>0</x:v></x:c><x:c r="F2" t="s"><x:v>1</x:v></x:c></x:row>
<x:row><x:c r="A3" t="d"><x:v>2024-05-06T00:00:00</x:v></x:c><x:c r="B3" s="1"><x:v>45000.5</x:v></x:c>
<x:c r="C3" s="2"><x:v>45000</x:v></x:c><x:c r="D3" t="b"><x:v>0</x:v></x:c><x:c r="E3" t="e"><x:v>#N/A</x:v></x:c>
<x:c r="F3"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="G3" t="str"><x:f>"a"&amp;"b"</x:f><x:v>ab</x:v></x:c>
<x:c r="H3" s="3"><x:v>1E-3</x:v></x:c><x:c r="AB3"><x:v>-0</x:v></x:c></x:row>
<x:row r="4"><x:c r="A4"><x:v>430104199001015123</x:v></x:c><x:c r="B4"><x:v>430104199001015120</x:v></x:c><x:c r="C4"><x:v>430104199001015104</x:v></x:c></x:row>
<x:row r="5" spans="1:2"><x:c r="A5" s="1"/></x:row>
</x:sheetData>
<x:mergeCells count="2"><x:mergeCell ref="A5:C6"/><x:mergeCell ref="D7:D9"/></x:mergeCells>
</x:worksheet>"""

RAW_SST = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><r><t xml:space="preserve">合 </t></r><r><rPr><b/></rPr><t>计</t></r><rPh sb="0" eb="1"><t>ごう</t></rPh></si>
<si><t>a_x000D__x000A_b_x005F_x0041_</t></si>
</sst>"""

RAW_STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>
<numFmt numFmtId="165" formatCode="0.00&quot;h&quot;;[Red]-0.00"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="22"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs>
</styleSheet>"""

RAW_BOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr date1904="%s"/>
<sheets><sheet name="Raw" sheetId="1" r:id="rId7"/></sheets></workbook>"""

RAW_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/wb/book.xml"/>
</Relationships>"""

RAW_BOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="sheets/data.xml"/>
<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/>
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="../wb/style.xml"/>
</Relationships>"""


def raw(name, date1904="0", sheet=RAW_SHEET):
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", RAW_RELS)
        z.writestr("wb/book.xml", RAW_BOOK % date1904)
        z.writestr("wb/_rels/book.xml.rels", RAW_BOOK_RELS)
        z.writestr("wb/sheets/data.xml", sheet)
        z.writestr("wb/strings.xml", RAW_SST)
        z.writestr("wb/style.xml", RAW_STYLES)


def patch_size(src, dst, entry, size):
    """Copy src to dst with entry's declared uncompressed size replaced
    in its local header and in the central directory."""
    data = bytearray(open(src, "rb").read())
    name = entry.encode()
    i = 0
    while True:
        i = data.find(b"PK\x03\x04", i)
        if i < 0:
            break
        n = struct.unpack_from("<H", data, i + 26)[0]
        if data[i + 30:i + 30 + n] == name:
            struct.pack_into("<I", data, i + 22, size)
        i += 4
    i = 0
    while True:
        i = data.find(b"PK\x01\x02", i)
        if i < 0:
            break
        n = struct.unpack_from("<H", data, i + 28)[0]
        if data[i + 46:i + 46 + n] == name:
            struct.pack_into("<I", data, i + 24, size)
        i += 4
    open(dst, "wb").write(bytes(data))


def hostile():
    # a sheet of 20 MB that compresses to a few kB
    filler = "<row>" + "<c><v>0</v></c>" * 1000 + "</row>"
    big = RAW_SHEET.replace("<x:sheetData>", "<x:sheetData>" +
                            filler.replace("<", "<x:") .replace("<x:/", "</x:")
                            * 1300, 1)
    raw("big.xlsx", sheet=big)
    patch_size(path("big.xlsx"), path("bomb-declared.xlsx"),
               "wb/sheets/data.xml", 0xfffffff0)
    patch_size(path("big.xlsx"), path("bomb-lying.xlsx"),
               "wb/sheets/data.xml", 4096)
    os.unlink(path("big.xlsx"))
    data = open(path("provider.xlsx"), "rb").read()
    open(path("truncated.xlsx"), "wb").write(data[:len(data) // 2])
    open(path("notzip.xlsx"), "w").write("证件号码,姓名\n")
    open(path("webpage.xls"), "w").write("<html><table><tr><td>1</td>"
                                         "</tr></table></html>")
    with zipfile.ZipFile(path("doc.ods"), "w") as z:
        z.writestr("mimetype",
                   "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    with zipfile.ZipFile(path("noworkbook.xlsx"), "w") as z:
        z.writestr("hello.txt", "hi")
    laughs = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              '<worksheet><sheetData><row><c t="inlineStr"><is><t>&b;</t>'
              '</is></c></row></sheetData></worksheet>')
    raw("dtd.xlsx", sheet=laughs)
    bad = RAW_SHEET.replace('r="B2"', 'r="B2" r2="x"').replace(
        "</x:row>", "</x:rowx>", 1)
    raw("badxml.xlsx", sheet=bad)


def xls():
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("名单")
    ws.write(0, 0, "证件号码")
    ws.write(0, 1, "姓名")
    ws.write(0, 2, "学时")
    ws.write(0, 3, "日期")
    ws.write(1, 0, "430104199001015123")
    ws.write(1, 1, "张三")
    ws.write(1, 2, 12)
    ws.write(1, 3, datetime.date(2024, 3, 5),
             xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    ws.write(2, 0, 430104199001015123)
    ws.write(2, 1, "李四")
    ws.write(2, 2, 8.5)
    ws.write(4, 1, "after a gap")
    wb.add_sheet("Other").write(0, 0, "x")
    wb.save(path("staff.xls"))


def long_sheets():
    """6,000 rows (every 7th left out), for the reader thread: long.xlsx
    by openpyxl, with a merge at row 3000; long-bad.xlsx by hand, whose
    row 4502 has a number cell holding no number."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Long"
    for r in range(1, 6001):
        if r % 7:
            ws.append(["ID%06d" % r, r, r * 0.5, "长沙%d" % (r % 13)])
        else:
            ws.append([])
    ws.merge_cells("A3000:C3000")
    wb.save(path("long.xlsx"))
    rows = []
    for r in range(1, 6001):
        if r % 7 == 0:
            continue
        b = "abc" if r == 4502 else str(r)
        rows.append('<row r="%d"><c r="A%d" t="inlineStr"><is><t>ID%06d'
                    '</t></is></c><c r="B%d"><v>%s</v></c></row>'
                    % (r, r, r, r, b))
    raw("long-bad.xlsx", sheet='<?xml version="1.0" encoding="UTF-8"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData>' + "".join(rows) +
        "</sheetData></worksheet>")


provider()
long_sheets()
raw("raw.xlsx")
raw("raw1904.xlsx", date1904="1")
hostile()
xls()
