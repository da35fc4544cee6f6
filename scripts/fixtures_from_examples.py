# Writes the spec examples of the named operations as fixtures (tests/fixtures/<operationId>/, file label = example key, "official" as "huawei") with their SOURCES.md. Run from the workspace root: SPEC=vpn-p2c.yaml python3 scripts/fixtures_from_examples.py <operationId>...
# It rewrites the SOURCES.md of each operation it is given: add back the lines of fixtures that are not spec examples (the 404s of deletes).
import json, sys, os, yaml
root='.'  # run from the workspace root
import os as _o
doc=yaml.safe_load(open(f'{root}/openapi/'+_o.environ.get('SPEC','vpn-v5.yaml')))
ops=set(sys.argv[1:])
label_of={'official':'huawei','built':'built'}
for path,item in doc['paths'].items():
    for method,op in item.items():
        if not isinstance(op,dict) or op.get('operationId') not in ops: continue
        oid=op['operationId']; d=f'{root}/tests/fixtures/{oid}'; os.makedirs(d,exist_ok=True)
        lines=[]
        def emit(kind, ex):
            for key,e in ex.items():
                name=f"{kind}.{label_of.get(key,key)}.json"
                json.dump(e['value'],open(f'{d}/{name}','w'),indent=2,ensure_ascii=False); open(f'{d}/{name}','a').write('\n')
                src=e['description'].removeprefix('Source: ')
                lines.append(f'- {name}: {src}')
        rb=op.get('requestBody',{}).get('content',{}).get('application/json',{})
        if 'examples' in rb: emit('request', rb['examples'])
        for code,r in op['responses'].items():
            c=r.get('content',{}).get('application/json',{})
            if 'examples' in c: emit(f'response-{code}', c['examples'])
        open(f'{d}/SOURCES.md','w').write('\n'.join(lines)+'\n')
        print(oid, lines)
