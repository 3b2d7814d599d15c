/** A roster of `n` 镇机关 units in five 指导组, as the office's CSV files (same columns as the fixtures). */
export function rosterCsv(n: number): {
  units: string;
  groups: string;
  unitIds: string[];
  groupOf: Map<string, string>;
} {
  const pad = (i: number) => String(i).padStart(2, '0');
  const unitIds: string[] = [];
  const groupOf = new Map<string, string>();
  const rows = [
    '单位编号,单位名称,单位类型,标记,第一责任人,第一责任人邮箱,第一责任人手机,联络员,联络员邮箱,联络员手机,指导组,结对单位,结对单位邮箱',
  ];
  for (let i = 1; i <= n; i++) {
    const id = `P${pad(i)}`;
    const group = `G${((i - 1) % 5) + 1}`;
    unitIds.push(id);
    groupOf.set(id, group);
    rows.push(
      `${id},第${i}镇机关,镇机关,,责任人${i},head-${id.toLowerCase()}@units.example.cn,138${String(10000000 + i)},联络员${i},liaison-${id.toLowerCase()}@units.example.cn,139${String(10000000 + i)},${group},,`,
    );
  }
  const groups = ['指导组编号,指导组名称,成员姓名,角色,邮箱,手机,钉钉机器人,企业微信机器人'];
  for (let g = 1; g <= 5; g++) {
    groups.push(`G${g},第${g}指导检查组,组长${g},组长,g${g}-m01@groups.example.cn,1370000${g}001,,`);
    groups.push(`G${g},第${g}指导检查组,成员${g},成员,g${g}-m02@groups.example.cn,1370000${g}002,,`);
  }
  return { units: `${rows.join('\n')}\n`, groups: `${groups.join('\n')}\n`, unitIds, groupOf };
}
