import json,sys,collections
p=json.load(open(sys.argv[1]))
nodes={n['id']:n for n in p['nodes']}
dt=collections.Counter()
samples=p['samples']; deltas=p['timeDeltas']
for s,d in zip(samples,deltas): dt[s]+=d
self_t=collections.Counter()
for nid,t in dt.items():
    cf=nodes[nid]['callFrame']
    self_t[(cf['functionName'] or '(anon)', cf['url'].split('/')[-1], cf['lineNumber'])]+=t
tot=sum(self_t.values())
for k,v in self_t.most_common(35): print(f"{v/1000:8.0f}ms {100*v/tot:5.1f}% {k}")
# inclusive by file
parent={}
for n in p['nodes']:
    for c in n.get('children',[]): parent[c]=n['id']
incl=collections.Counter()
for nid,t in dt.items():
    seen=set(); x=nid
    while x is not None:
        cf=nodes[x]['callFrame']; key=(cf['functionName'], cf['url'].split('/')[-1])
        if key not in seen: incl[key]+=t; seen.add(key)
        x=parent.get(x)
print('--- inclusive')
for k,v in incl.most_common(45): print(f"{v/1000:8.0f}ms {100*v/tot:5.1f}% {k}")
