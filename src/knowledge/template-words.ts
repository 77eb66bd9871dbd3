/**
 * Words of a question's template rather than its subject: "…的措施有哪些", "…的原因", "简述…的过程". They say
 * what kind of answer is wanted, and an answer seldom repeats them (a list of measures does not say 措施), so
 * a passage should not win by holding them. The tokenizer's stopwords already drop the pure question words
 * (简述, 什么是, 有哪些); these stay in the index and in plain BM25, and count for little in our matching.
 */
export const TEMPLATE_WORDS = new Set([
  '措施', '方法', '办法', '原因', '过程', '途径', '原则', '特点', '意义', '作用', '要点', '因素', '条件',
  '方面', '包括', '步骤', '进行', '工作', '说', '叙述', '回答', '写出', '提出', '列举', '举例', '概念',
  '定义', '区别', '关键', '内容', '类型', '种类',
]);
