#!/usr/bin/env python3
"""What did the last young collection copy, and what refers to it? (docs/benchmarks.md, eleventh round)

usage: young_survivors.py dump.hprof SURV_LO SURV_HI OLD_LO OLD_HI   (addresses in hex, from GC.heap_info)

Take the dump right after a young collection of the server (ParallelGC), unreachable objects included, e.g.
watch a -Xlog:gc file for a new "Pause Young" line, then at once
    jcmd PID GC.heap_info                  # the survivor "from" space and the old generation's address ranges
    jcmd PID GC.heap_dump -all dump.hprof  # -all: no collection first
Objects whose address is in the "from" space [SURV_LO, SURV_HI) are what that collection copied. Prints their
classes by count, and every reference into them as (region of the referrer, referrer class, survivor class) by
count: young objects referred to from "old" are the ones the old-to-young card scan kept alive."""
import struct, sys, collections, mmap

path = sys.argv[1]
SLO, SHI, OLO, OHI = (int(a, 16) for a in sys.argv[2:6])

f = open(path, 'rb')
mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
end = mm.find(b'\0')
idsize = struct.unpack_from('>I', mm, end + 1)[0]
assert idsize == 8
pos = end + 1 + 4 + 8
U8 = struct.Struct('>Q').unpack_from
U4 = struct.Struct('>I').unpack_from
U2 = struct.Struct('>H').unpack_from
TSIZE = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}

strings = {}
class_name = {}        # class object id -> name
class_super = {}
class_fields = {}      # class id -> [(type)] own instance fields
ref_offsets = {}       # class id -> offsets of reference fields in an instance's bytes

surv_class = {}        # address -> class id (survivors)
objs = 0

def region(a):
    if SLO <= a < SHI: return 'surv'
    if OLO <= a < OHI: return 'old'
    return 'eden/other'

def offsets(cid):
    r = ref_offsets.get(cid)
    if r is not None: return r
    out = []
    off = 0
    c = cid
    while c:
        for t in class_fields.get(c, []):
            if t == 2: out.append(off)
            off += TSIZE[t]
        c = class_super.get(c, 0)
    ref_offsets[cid] = out
    return out

pending = []  # (referrer address, referrer class, target)

n = len(mm)
while pos < n:
    tag = mm[pos]; length = U4(mm, pos + 5)[0]; body = pos + 9; pos = body + length
    if tag == 0x01:
        sid = U8(mm, body)[0]; strings[sid] = mm[body + 8:body + length].decode('utf-8', 'replace')
    elif tag == 0x02:
        cid = U8(mm, body + 4)[0]; nid = U8(mm, body + 16)[0]
        class_name[cid] = strings.get(nid, '?')
    elif tag in (0x0C, 0x1C):
        p = body; e = body + length
        while p < e:
            st = mm[p]; p += 1
            if st == 0x21:
                a = U8(mm, p)[0]; cid = U8(mm, p + 12)[0]; nb = U4(mm, p + 20)[0]; data = p + 24
                p = data + nb
                objs += 1
                if SLO <= a < SHI: surv_class[a] = cid
                for o in offsets(cid):
                    t = U8(mm, data + o)[0]
                    if SLO <= t < SHI:
                        pending.append((a, cid, t))
            elif st == 0x22:
                a = U8(mm, p)[0]; ne = U4(mm, p + 12)[0]; acid = U8(mm, p + 16)[0]; data = p + 24
                p = data + ne * 8
                objs += 1
                if SLO <= a < SHI: surv_class[a] = acid
                for i in range(ne):
                    t = U8(mm, data + i * 8)[0]
                    if SLO <= t < SHI:
                        pending.append((a, acid, t))
            elif st == 0x23:
                a = U8(mm, p)[0]; ne = U4(mm, p + 12)[0]; et = mm[p + 16]
                p += 17 + ne * TSIZE[et]
                objs += 1
                if SLO <= a < SHI: surv_class[a] = ('prim', et)
            elif st == 0x20:
                cid = U8(mm, p)[0]; sup = U8(mm, p + 12)[0]
                q = p + 8 + 4 + 8 * 6
                q += 4  # instance size
                cp = U2(mm, q)[0]; q += 2
                for _ in range(cp):
                    t = mm[q + 2]; q += 3 + TSIZE[t]
                ns = U2(mm, q)[0]; q += 2
                for _ in range(ns):
                    t = mm[q + 8]; q += 9 + TSIZE[t]
                ni = U2(mm, q)[0]; q += 2
                fl = []
                for _ in range(ni):
                    fl.append(mm[q + 8]); q += 9
                class_super[cid] = sup; class_fields[cid] = fl
                p = q
            elif st == 0xFF: p += 8
            elif st == 0x01: p += 16
            elif st == 0x02: p += 16
            elif st == 0x03: p += 16
            elif st == 0x04: p += 12
            elif st == 0x05: p += 8
            elif st == 0x06: p += 12
            elif st == 0x07: p += 8
            elif st == 0x08: p += 16
            else:
                raise SystemExit('unknown sub-record %x at %d' % (st, p))

PRIM = {4: 'boolean[]', 5: 'char[]', 6: 'float[]', 7: 'double[]', 8: 'byte[]', 9: 'short[]', 10: 'int[]', 11: 'long[]'}
def cname(c):
    if isinstance(c, tuple): return PRIM[c[1]]
    return class_name.get(c, hex(c))

print('objects', objs, 'survivors', len(surv_class))
cnt = collections.Counter(cname(c) for c in surv_class.values())
print('--- survivor classes by count')
for k, v in cnt.most_common(60): print(v, k)
incoming = collections.Counter()
for a, cid, t in pending:
    incoming[(region(a), cname(cid), cname(surv_class.get(t, 0)))] += 1
print('--- references into survivors: region, referrer class -> survivor class')
for k, v in incoming.most_common(120): print(v, *k)
