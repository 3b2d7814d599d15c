/**
 * Downloads of what the office hands in: a unit's archive (on the unit's page, for whoever may see
 * the unit), the Word 简报, and the campaign archive, built in the background with its progress
 * shown here until it can be downloaded.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, type CampaignArchiveProgress, type Me } from './api.js';
import { Notice } from './ui.js';

function save(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function DownloadButton({
  id,
  label,
  busyLabel,
  name,
  fetch,
}: {
  id: string;
  label: string;
  busyLabel: string;
  name: string;
  fetch: () => Promise<Blob>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      save(await fetch(), name);
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button id={id} disabled={busy} onClick={() => void run()}>
        {busy ? busyLabel : label}
      </button>
      {error && <Notice kind="error">{error}</Notice>}
    </>
  );
}

export function UnitArchiveButton({ me, unitId, unitName }: { me: Me; unitId: string; unitName: string }) {
  return (
    <>
      <p>
        单位档案：全部报送材料（按阶段、事项和版本命名）、报送与审查记录、大事记、督办通报、测评与补课，附卷内目录（Excel）和封面。
      </p>
      <DownloadButton
        id="download-unit-archive"
        label="下载单位档案（zip）"
        busyLabel="正在打包……"
        name={`${unitId}_${unitName}_档案.zip`}
        fetch={() => api.unitArchive(me.campaignId, unitId)}
      />
    </>
  );
}

export function BriefingButton({ me }: { me: Me }) {
  return (
    <>
      <p>Word 版工作简报：报头、总体进展、红黄绿表与图、本期督办通报、测评情况，可直接印发。</p>
      <DownloadButton
        id="download-briefing"
        label="下载 Word 简报"
        busyLabel="正在生成……"
        name={`${me.campaignId}-工作简报.docx`}
        fetch={() => api.briefing(me.campaignId)}
      />
    </>
  );
}

const STATE_WORDS: Record<CampaignArchiveProgress['state'], string> = {
  none: '尚未生成',
  running: '正在生成',
  done: '已生成',
  failed: '未全部完成',
};

export function CampaignArchivePanel({ me }: { me: Me }) {
  const [p, setP] = useState<CampaignArchiveProgress | undefined>();
  const [error, setError] = useState<string | undefined>();
  // Only the newest request's answer is shown: the first read can answer after a click on
  // 生成 has, and its older 尚未生成 would then hide the running build (and stop the polling).
  const latest = useRef(0);
  const show = (request: Promise<CampaignArchiveProgress>) => {
    const mine = ++latest.current;
    return request.then(
      (x) => {
        if (mine !== latest.current) return;
        setP(x);
        setError(undefined);
      },
      (e: unknown) => {
        if (mine === latest.current) setError(e instanceof ApiFailure ? e.message : String(e));
      },
    );
  };
  const read = () => show(api.campaignArchive(me.campaignId));
  useEffect(() => {
    void read();
  }, [me.campaignId]);
  // Progress is polled only while a build runs.
  useEffect(() => {
    if (p?.state !== 'running') return;
    const t = setInterval(() => void read(), 2000);
    return () => clearInterval(t);
  }, [p?.state]);
  const start = () => show(api.startCampaignArchive(me.campaignId));
  const pct = p && p.total > 0 ? Math.round(((p.done + p.failed.length) / p.total) * 100) : 0;
  return (
    <div id="campaign-archive" data-state={p?.state ?? ''}>
      <p>
        全活动档案：每个单位的档案，加活动的 Excel 报表和 Word
        简报。在后台生成，中断后再次生成会从中断处继续。
      </p>
      {p && (
        <p class="archive-progress">
          {STATE_WORDS[p.state]}
          {p.state !== 'none' && `：${p.done}/${p.total} 个单位`}
          {p.reused > 0 && `（${p.reused} 个沿用已生成的档案）`}
          {p.state === 'running' && <progress max={100} value={pct} />}
        </p>
      )}
      {p && p.failed.length > 0 && (
        <Notice kind="error">未能归档：{p.failed.map((f) => `${f.unitId}（${f.error}）`).join('；')}</Notice>
      )}
      <button id="start-campaign-archive" disabled={p?.state === 'running'} onClick={() => void start()}>
        {p?.state === 'done' || p?.state === 'failed' ? '重新生成全活动档案' : '生成全活动档案'}
      </button>{' '}
      {p?.state === 'done' && (
        <DownloadButton
          id="download-campaign-archive"
          label="下载全活动档案（zip）"
          busyLabel="正在下载……"
          name={`${me.campaignId}_活动档案.zip`}
          fetch={() => api.campaignArchiveZip(me.campaignId)}
        />
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </div>
  );
}
