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
/** "代问 13800000000 问题"; the number also as written on a card ("+86 138 0000 0000", "138-0000-0000"). */
const ASK_FOR = /^代问\s*[:：]?\s*(\+?86|0086)?[\s-]*(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?!\d)\s*[,，:：]?\s*([\s\S]+)$/;
const POST = /^发布\s*(价格|用工|招工|供求|供应|求购)\s*([\s\S]*)$/;

/** Whom a farmer asks for when they want a person: "真人专家", "人工", "技术员". Never 找人 alone (that is work). */
const PERSON = /真人|人工|专家|客服|技术员|农技员/;
const ASKS_FOR = /找|问|请|转|联系|要|叫|来个|有没有|有木有/;
/** What else such a request says besides whom it wants: "想找个真人专家", "能给俺找个专家问问吗". */
const REQUEST_WORDS = /真人|真正的|人工|专家|客服|技术员|农技员|农业|懂行的|有没有|有木有|能不能|可不可以|可以|一下|问问|看看|聊聊|说说|咨询|帮帮忙|帮忙|服务|[找问请转联系要叫来想能给帮让个位一俺我咱你您吗吧啊呀么不行中呗下的]/g;

/**
 * "想找个真人专家", "我要找专家", "能给我找个专家问问吗": a request for a person and nothing else, a handover to
 * an expert. A question that only names an expert ("专家服务团队从哪儿选人") has words of its own left over.
 */
/** Turning from the machine to a person: "不跟机器聊了", "想让真人专家回俺". */
const AWAY_FROM_MACHINE = /不(想|要|愿意|愿)?再?(跟|和|同)机器人?(聊|说|唠|讲|对话|问)|别让机器人?|不要机器人?(回|答)|(让|要|找|叫|换)(个)?真人/;

export function asksForPerson(text: string): boolean {
  const t = text.replace(/[\s,，。.!！?？~～、]/g, '');
  if (t.length <= 30 && AWAY_FROM_MACHINE.test(t)) return true;
  if (t.length > 16 || !PERSON.test(t) || !ASKS_FOR.test(t)) return false;
  return t.replace(REQUEST_WORDS, '').length === 0;
}

export function parseCommand(text: string): Command | undefined {
  const t = text.trim();
  if (HANDOFF.test(t) || asksForPerson(t)) return { kind: 'handoff' };
  if (HELP.test(t)) return { kind: 'help' };
  if (UNSUBSCRIBE.test(t)) return { kind: 'unsubscribe' };
  if (MORE.test(t)) return { kind: 'more' };
  if (CANCEL.test(t)) return { kind: 'cancel' };
  const ask = ASK_FOR.exec(t);
  if (ask) return { kind: 'ask-for', phone: ask[2].replace(/[\s-]/g, ''), question: ask[3].trim() };
  if (/^代问/.test(t)) return { kind: 'ask-for', phone: '', question: '' };
  const post = POST.exec(t);
  if (post) {
    const what = post[1] === '价格' ? 'price' : post[1] === '用工' || post[1] === '招工' ? 'labor' : 'supply';
    return { kind: 'post', what, rest: post[2].trim() };
  }
  return undefined;
}
