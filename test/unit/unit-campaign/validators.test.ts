import { beforeAll, describe, expect, it } from 'vitest';
import * as S from '../../../workflows/unit-campaign/state.js';
import { validateOperation as validate } from '../../../workflows/unit-campaign/operations.js';
import { TOWN_INPUT, townOfficeContext } from './support.js';

// The workflow's own validators: a client that talks to Temporal directly (not through the API)
// gets the same strict schema, and the unit's rules on top, all problems at once.
let ctx: S.Ctx;
let state: S.CampaignState;
const input = TOWN_INPUT;
const now = Date.parse('2009-09-02T10:00:00+08:00');
const FILE = `sha256:${'ab'.repeat(32)}`;

beforeAll(async () => {
  const { ctx: c, schedule } = await townOfficeContext();
  ctx = c;
  state = S.initialState(ctx, schedule, Date.parse('2009-08-31T10:00:00+08:00'));
  S.advance(ctx, state, now);
});

describe('unit workflow validators', () => {
  it('names every problem at once: the schema’s and the unit’s', () => {
    const problems = validate(
      'submit',
      ctx,
      input,
      state,
      { taskId: 'nope', submittedBy: 'someone-else', summary: '', fileRefs: ['x'] },
      now,
    );
    expect(problems).toEqual([
      'summary：请填写简要说明',
      'fileRefs[0]：「x」不是文件引用（sha256:后跟 64 位十六进制）',
      'submittedBy：「someone-else」不是大圩镇机关的联络员或第一责任人，无权进行此操作',
      'taskId：本单位没有任务「nope」',
    ]);
  });

  it('coerces nothing and says nothing more about a field the schema refused', () => {
    expect(
      validate(
        'submit',
        ctx,
        input,
        state,
        { taskId: ['implementation_plan'], submittedBy: 'liaison-dawei', summary: '已完成', fileRefs: [] },
        now,
      ),
    ).toEqual(['taskId：应为文字']);
    expect(
      validate(
        'acknowledge',
        ctx,
        input,
        state,
        { taskId: 'implementation_plan', level: '1', by: 'office-wang' },
        now,
      ),
    ).toEqual(['level：应为整数']);
    expect(validate('pause', ctx, input, state, { by: 'office-wang', reason: 1 }, now)).toEqual([
      'reason：应为文字',
    ]);
    expect(
      validate('pause', ctx, input, state, JSON.parse('{"by":"office-wang","__proto__":{"x":1}}'), now),
    ).toEqual(['__proto__：不是可接受的字段']);
    expect(validate('pause', ctx, input, state, { by: 'office-wang', note: '多余' }, now)).toEqual([
      'note：不是可接受的字段',
    ]);
    expect(validate('cancel', ctx, input, state, 'cancel!', now)).toEqual(['请求：应为对象']);
  });

  it('refuses a zero shift, unprintable text and a missing actor', () => {
    expect(validate('shift', ctx, input, state, { by: 'office-wang', shift: '0d' }, now)).toEqual([
      'shift：「0d」的时长为 0，应至少 1 个单位（如 1d）',
    ]);
    expect(validate('cancel', ctx, input, state, { by: 'office-wang', reason: '撤\u0000销' }, now)).toEqual([
      'reason：不能含有控制字符（如 NUL）',
    ]);
    expect(validate('cancel', ctx, input, state, { reason: '撤销' }, now)).toEqual(['by：必须填写']);
  });

  it('accepts a well-formed request from the right person', () => {
    expect(
      validate(
        'submit',
        ctx,
        input,
        state,
        {
          taskId: 'implementation_plan',
          submittedBy: 'liaison-dawei',
          summary: '实施方案',
          fileRefs: [FILE],
        },
        now,
      ),
    ).toEqual([]);
  });
});
