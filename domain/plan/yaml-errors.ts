/**
 * YAML syntax errors as an office reads them. The parser reports every token it could not place
 * after the first mistake (an unquoted `[` inside `{ … }` yields hundreds of "Unexpected …" lines,
 * in English), but only the first one is the mistake: this turns it into one Chinese message with
 * the line, the line's text and a hint, and says how many follow-on errors were left out.
 * Duplicate keys are independent mistakes and are each reported (by the caller).
 */
import type { LineCounter, YAMLError } from 'yaml';

export interface YamlSyntaxProblem {
  line: number;
  column: number;
  message: string;
}

const QUOTE_HINT =
  '提示：写在 { … } 或 [ … ] 里的文字如含有 [ ] { } , : # 等符号，须加引号，如 label: "督促[补]"';

const TOKEN_NAMES: Record<string, string> = {
  'flow-seq-start': '「[」',
  'flow-seq-end': '「]」',
  'flow-map-start': '「{」',
  'flow-map-end': '「}」',
  comma: '「,」',
  'map-value-ind': '「:」',
  'seq-item-ind': '「- 」',
  'explicit-key-ind': '「? 」',
  anchor: '「&」',
  alias: '「*」',
  tag: '「!」',
  comment: '「#」注释',
};

function describe(e: YAMLError): { what: string; hint?: string } {
  const msg = e.message.split('\n')[0] ?? '';
  switch (e.code) {
    case 'UNEXPECTED_TOKEN': {
      const token = /Unexpected ([\w-]+)/.exec(msg)?.[1] ?? '';
      const name = TOKEN_NAMES[token];
      return { what: name ? `这里的${name}出现在不该出现的位置` : '这里有无法识别的内容', hint: QUOTE_HINT };
    }
    case 'MISSING_CHAR':
      if (/quote/i.test(msg))
        return {
          what: '引号没有闭合（缺少与之配对的引号）',
          hint: '提示：文字两端的引号要成对，中间如需引号请改用中文引号“”',
        };
      if (/\]/.test(msg)) return { what: '「[」开始的列表缺少结尾的「]」', hint: QUOTE_HINT };
      if (/\}/.test(msg)) return { what: '「{」开始的映射缺少结尾的「}」', hint: QUOTE_HINT };
      return { what: '缺少必要的符号（如「,」或「:」）', hint: QUOTE_HINT };
    case 'BAD_INDENT':
      if (/Flow sequence/.test(msg))
        return { what: '由「[」开始的列表没有以「]」结束（或下一行的缩进不够）', hint: QUOTE_HINT };
      if (/Flow map/.test(msg))
        return { what: '由「{」开始的映射没有以「}」结束（或下一行的缩进不够）', hint: QUOTE_HINT };
      if (/same column/.test(msg))
        return {
          what: '同一层级的字段应从同一列开始（缩进不一致）',
          hint: '提示：用空格缩进，同一层级的字段前的空格数要相同',
        };
      return { what: '缩进不正确', hint: '提示：用空格缩进，下一层比上一层多两个空格' };
    case 'TAB_AS_INDENT':
      return { what: '不能用 Tab 键缩进', hint: '提示：请把行首的 Tab 换成空格' };
    case 'MULTILINE_IMPLICIT_KEY':
      return {
        what: '字段名后缺少「: 」（冒号后要有空格），或本行与上一行连在了一起',
        hint: '提示：写作「字段: 值」，冒号后加一个空格',
      };
    case 'BLOCK_AS_IMPLICIT_KEY':
      return {
        what: '一行中出现了两个「: 」',
        hint: '提示：值里含有「: 」时请给整个值加引号，如 title: "说明: 内容"',
      };
    case 'BAD_DQ_ESCAPE':
      return { what: '双引号中的反斜杠「\\」写法无效', hint: '提示：改用单引号，或写作「\\\\」' };
    case 'BAD_SCALAR_START':
      return { what: '文字不能以这个符号开头', hint: '提示：以 @ ` | > % 等符号开头的文字须加引号' };
    case 'MULTIPLE_DOCS':
      return { what: '文件中只能有一份内容（出现了第二个「---」）' };
    default:
      return { what: `格式错误（${msg}）` };
  }
}

/** The first syntax error (by position), in Chinese, with how many others were left out. */
export function firstYamlSyntaxProblem(
  text: string,
  errors: readonly YAMLError[],
  lc: LineCounter,
): YamlSyntaxProblem | undefined {
  const sorted = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const first = sorted[0];
  if (!first) return undefined;
  const { line, col } = lc.linePos(first.pos[0]);
  const lineText = (text.split('\n')[line - 1] ?? '').trim();
  const { what, hint } = describe(first);
  const more = sorted.length - 1;
  const parts = [
    `YAML 语法错误（第 ${line} 行第 ${col} 列）：${what}`,
    ...(lineText ? [`该行内容：${lineText.length > 80 ? `${lineText.slice(0, 80)}…` : lineText}`] : []),
    ...(hint ? [hint] : []),
    ...(more > 0 ? [`其后另有 ${more} 处语法错误，多由这一处引起，改正后请重新检查`] : []),
  ];
  return { line, column: col, message: parts.join('。') };
}
