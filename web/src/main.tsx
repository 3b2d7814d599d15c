/**
 * The console's shell: log in with a token, then the page for the token's role. Hash routes keep
 * it a static site the API can serve as files: #/ (the role's home), #/unit/<id> (one unit),
 * #/launch (the office launches a campaign).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, demoLogins, session, type DemoLogin, type Me } from './api.js';
import { GroupPage } from './group.js';
import { LaunchPage } from './launch.js';
import { OfficePage } from './office.js';
import { UnitPage } from './unit.js';
import { Notice } from './ui.js';

const ROLE_NAMES: Record<Me['role'], string> = { office: '活动办', group: '指导组', unit: '参学单位' };

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const hash = useHash();
  useEffect(() => {
    if (!session.token()) return setMe(null);
    api
      .me()
      .then(setMe)
      .catch(() => {
        session.clear();
        setMe(null);
      });
  }, []);
  if (me === undefined) return <p class="muted pad">正在登录……</p>;
  if (me === null) return <Login onLogin={setMe} />;

  const unitMatch = /^#\/unit\/([^/]+)/.exec(hash);
  const home = me.role === 'unit' ? `#/unit/${encodeURIComponent(me.unitId ?? '')}` : '#/';
  let page;
  if (unitMatch?.[1])
    page = <UnitPage key={unitMatch[1]} me={me} unitId={decodeURIComponent(unitMatch[1])} />;
  else if (hash.startsWith('#/launch') && me.role === 'office') page = <LaunchPage me={me} />;
  else if (me.role === 'office') page = <OfficePage me={me} />;
  else if (me.role === 'group') page = <GroupPage me={me} />;
  else page = <UnitPage me={me} unitId={me.unitId ?? ''} />;

  return (
    <>
      <nav class="topbar">
        <a href={home} class="brand">
          学习实践活动工作台
        </a>
        <span class="who" id="who">
          {ROLE_NAMES[me.role]} · {me.name}
        </span>
        <button
          class="link"
          onClick={() => {
            session.clear();
            location.hash = '';
            setMe(null);
          }}
        >
          退出
        </button>
      </nav>
      <main>{page}</main>
    </>
  );
}

function Login({ onLogin }: { onLogin: (me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [demos, setDemos] = useState<DemoLogin[]>([]);
  useEffect(() => void demoLogins().then(setDemos), []);
  const login = async (t: string) => {
    setError(undefined);
    try {
      const me = await api.me(t.trim());
      session.save(t.trim());
      location.hash = me.role === 'unit' ? `#/unit/${encodeURIComponent(me.unitId ?? '')}` : '#/';
      onLogin(me);
    } catch (e) {
      setError(
        e instanceof ApiFailure && e.status === 401
          ? '令牌无效或已作废，请核对后重试'
          : e instanceof Error
            ? e.message
            : String(e),
      );
    }
  };
  return (
    <main class="login">
      <h1>学习实践活动工作台</h1>
      <p class="muted">活动办、指导组和参学单位用各自的令牌登录。令牌由活动办发放（令牌清单）。</p>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void login(token);
        }}
      >
        <label>
          令牌
          <input
            name="token"
            autoComplete="off"
            required
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
            placeholder="co_…"
          />
        </label>
        <button type="submit">登录</button>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {demos.length > 0 && (
        <section class="card demo-logins">
          <h2>演示账号</h2>
          <p class="muted">演示环境：点一下即以该身份登录。</p>
          {(['office', 'group', 'unit'] as const).map((role) => (
            <div key={role} class="demo-role">
              <h3>{ROLE_NAMES[role]}</h3>
              {demos
                .filter((d) => d.role === role)
                .map((d) => (
                  <button
                    key={d.token}
                    class="secondary"
                    data-demo-login={d.label}
                    onClick={() => void login(d.token)}
                  >
                    {d.label}
                  </button>
                ))}
            </div>
          ))}
        </section>
      )}
    </main>
  );
}

render(<App />, document.getElementById('app')!);
