/**
 * 节假日安排: the office uploads a year's 国务院办公厅 arrangement (YAML or ICS, as
 * examples/holidays-2027.yaml) and sees the stored versions. Running units receive it at once and
 * move deadlines that fall on the new holidays (POST /api/calendar, app/calendar/service.ts).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, type CalendarAddResult, type StoredCalendarYear } from './api.js';
import { when } from './format.js';
import { Notice, ResultNotice } from './ui.js';

export function HolidayCalendarPanel() {
  const [years, setYears] = useState<StoredCalendarYear[] | undefined>();
  const [result, setResult] = useState<CalendarAddResult | undefined>();
  const [error, setError] = useState<{ message: string; problems: string[] } | undefined>();
  const [busy, setBusy] = useState(false);
  const load = () =>
    api.calendarYears().then(
      (r) => setYears(r.years),
      (e: unknown) => setError({ message: (e as Error).message, problems: [] }),
    );
  useEffect(() => {
    void load();
  }, []);

  async function upload(file: File) {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const format = /\.(ics|ical)$/i.test(file.name) ? 'ics' : 'yaml';
      setResult(await api.addCalendarYear({ format, text: await file.text() }));
      await load();
    } catch (e) {
      setError({
        message: (e as Error).message,
        problems: e instanceof ApiFailure ? e.problems.filter((p) => p !== (e as Error).message) : [],
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div id="holiday-calendar">
      <p>
        新一年的节假日安排发布后，按通知写成 YAML 或 ICS 文件（格式见 examples/holidays-2027.yaml）上传：
        正在进行的单位立即收到，落在放假日的期限按计划规则调整并通知单位。
      </p>
      <label>
        上传节假日安排文件：
        <input
          type="file"
          accept=".yaml,.yml,.ics"
          disabled={busy}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void upload(f);
          }}
        />
      </label>
      {result && (
        <Notice kind="ok">
          {result.added
            ? `已载入 ${result.year} 年节假日安排（第 ${result.version} 版）`
            : `与已存的 ${result.year} 年第 ${result.version} 版相同，未新增版本`}
          ；发给进行中的 {result.units} 个单位，{result.unitsMoved} 个单位共 {result.datesMoved}{' '}
          项期限已调整并通知
          {result.failures.length > 0 ? `；${result.failures.length} 个单位未能更新，请稍后重新上传` : ''}
        </Notice>
      )}
      {error && <ResultNotice ok={false} text={error.message} problems={error.problems} listFrom={1} />}
      {years && years.length === 0 && <p>尚未载入任何年份（内置数据之外的年份按周一至周五计算）。</p>}
      {years && years.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>年份</th>
              <th>版本</th>
              <th>依据</th>
              <th>放假 / 调休上班</th>
              <th>载入</th>
            </tr>
          </thead>
          <tbody>
            {years.map((y) => (
              <tr key={`${y.year}-${y.version}`}>
                <td>{y.year}</td>
                <td>第 {y.version} 版</td>
                <td>{y.source}</td>
                <td>
                  {y.content.holidays.reduce((n, h) => n + h.days.length, 0)} 天 / {y.content.workdays.length}{' '}
                  天
                </td>
                <td>
                  {y.addedBy}，{when(y.addedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
