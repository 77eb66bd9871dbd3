// Questions about the 2019 plan written after the plan-facts table and the classifier were built, and never
// used to tune them (they are not in tests/dialogues, which the classifier trains on). Each names the facts
// a right answer must contain, as the plan writes them.
export const PARAPHRASES: { question: string; facts: string[] }[] = [
  { question: '济农字那个36号文是啥时候出的', facts: ['2019年3月29日'] },
  { question: '这方案落款是哪个局', facts: ['济宁市农业农村局'] },
  { question: '俺们村建信息社得够哪几条', facts: ['有场所', '有宽带', '有持续运营能力'] },
  { question: '村级信息员有啥条件才能当', facts: ['有文化', '会经营'] },
  { question: '整个济宁分几批建完益农信息社', facts: ['2492', '1247'] },
  { question: '到2019年底全市村子覆盖到几成', facts: ['80%'] },
  { question: '手机APP下载最后要突破多少', facts: ['80万'] },
  { question: '梁山县村民委员会有几个', facts: ['619'] },
  { question: '任城区2019年下半年建议新增APP下载量是多少', facts: ['3.04'] },
  { question: '嘉祥县2020年要建多少个益农信息社', facts: ['137'] },
  { question: '曲阜市到2019年下半年累计覆盖百分之多少', facts: ['80%'] },
  { question: '政府购买服务可以用单一来源采购吗', facts: ['单一来源采购', '定向委托'] },
  { question: '市里那个平台建设的钱谁掏', facts: ['市级财政'] },
  { question: '信息社能不能开在农资店里', facts: ['农资店'] },
  { question: '土专家也算专家团队的人吗', facts: ['土专家'] },
  { question: '省市县乡村那个信息共享是咋回事', facts: ['五级'] },
  { question: '农业特色互联网小镇打算弄几处', facts: ['2处'] },
  { question: '便民服务里能不能小额提现', facts: ['小额提现'] },
  { question: '太白湖新区的村算哪个县的任务', facts: ['原'] },
  { question: '方案的两个附件叫啥', facts: ['附件1', '附件2'] },
];
