import type { ExpertCategory } from './categories.ts';

export interface CannedAnswer {
  title: string;
  text: string;
  /** shown for these categories; none = every category */
  categories?: ExpertCategory[];
}

/** Phrases experts send often; the console inserts one into the reply box to edit before sending. */
export const CANNED_ANSWERS: CannedAnswer[] = [
  { title: '请补充情况', text: '您好，为了准确判断，请告诉我：作物（或牲畜）品种、面积（或数量）、出现问题几天了、最近用过什么药或肥。' },
  { title: '请发照片', text: '您好，请拍几张清楚的照片（整株、叶片正反面、发病部位），请村里益农信息社的信息员帮您发给我。' },
  { title: '就近找农技站', text: '建议您联系所在乡镇的农技站，请技术员到地里看一下再定方案。' },
  {
    title: '安全用药',
    text: '用药请按标签上的剂量和次数，注意安全间隔期；喷药时戴口罩和手套，避开中午高温和大风天。',
    categories: ['植保', '粮食作物', '经济作物', '蔬菜', '果树'],
  },
  {
    title: '病畜隔离',
    text: '请先把发病的牲畜隔离，记下体温和症状，尽快联系当地畜牧兽医站；病死畜禽不要宰杀、出售或乱扔，要无害化处理。',
    categories: ['畜牧', '兽医'],
  },
  {
    title: '水产应急',
    text: '请先停喂，开增氧机或加注新水，测一下水温和溶氧；死鱼及时捞出深埋，不要乱扔。',
    categories: ['水产'],
  },
  {
    title: '政策以通知为准',
    text: '这项政策的具体条件和时间以县农业农村局的最新通知为准，您可以到村里的益农信息社查询，或拨打12316咨询。',
    categories: ['政策', '市场'],
  },
  { title: '结束语', text: '如果按上面的办法处理后还有问题，直接回复这条消息，我会接着帮您看。' },
];

export function cannedFor(category?: string): CannedAnswer[] {
  return CANNED_ANSWERS.filter((c) => !c.categories || !category || (c.categories as string[]).includes(category));
}
