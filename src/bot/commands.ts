/** Commands a farmer or 信息员 types, recognised before any intent. */
export type Command =
  | { kind: 'handoff' }
  | { kind: 'help' }
  | { kind: 'unsubscribe' }
  | { kind: 'more' }
  | { kind: 'cancel' }
  | { kind: 'ask-for'; phone: string; question: string }
  | { kind: 'post'; what: 'price' | 'labor' | 'supply'; rest: string };

const HANDOFF = /^(转人工|人工|人工服务|人工客服|找专家|问专家|专家|我要找专家|找人工|转专家|要人工)[!！。.]?$/;
const HELP = /^(帮助|菜单|帮忙|help|menu|\?|？|功能|你能干啥|你会啥|你能做什么|都能问啥)[!！。.?？]?$/i;
const UNSUBSCRIBE = /^(退订|td|t|stop|unsubscribe|取消订阅)$/i;
const MORE = /^(1|１|更多|看更多|继续|下一页)$/;
const CANCEL = /^(取消|算了|不发了|退出|不用了)$/;
const ASK_FOR = /^代问\s*[:：]?\s*(\+?86)?\s*(1[3-9]\d{9})\s*[,，:：]?\s*([\s\S]+)$/;
const POST = /^发布\s*(价格|用工|招工|供求|供应|求购)\s*([\s\S]*)$/;

export function parseCommand(text: string): Command | undefined {
  const t = text.trim();
  if (HANDOFF.test(t)) return { kind: 'handoff' };
  if (HELP.test(t)) return { kind: 'help' };
  if (UNSUBSCRIBE.test(t)) return { kind: 'unsubscribe' };
  if (MORE.test(t)) return { kind: 'more' };
  if (CANCEL.test(t)) return { kind: 'cancel' };
  const ask = ASK_FOR.exec(t);
  if (ask) return { kind: 'ask-for', phone: ask[2], question: ask[3].trim() };
  if (/^代问/.test(t)) return { kind: 'ask-for', phone: '', question: '' };
  const post = POST.exec(t);
  if (post) {
    const what = post[1] === '价格' ? 'price' : post[1] === '用工' || post[1] === '招工' ? 'labor' : 'supply';
    return { kind: 'post', what, rest: post[2].trim() };
  }
  return undefined;
}
