/**
 * What the crash run's farmers write: questions the shipped knowledge and tables answer in one reply (prices,
 * crops, animals, the programme), a greeting, 帮助, and one question the assistant hands to an expert (its
 * reply is the one that opens a ticket, inside the turn's transaction).
 */
export const CRASH_TEXTS: readonly string[] = [
  '金乡大蒜今天啥价',
  '小麦条锈病咋防治',
  '玉米苗发黄是咋回事',
  '你好',
  '帮助',
  '鱼塘浮头了怎么办',
  '大棚黄瓜霜霉病用什么药',
  '生猪价格多少',
  '小麦什么时候浇返青水',
  '益农信息社能办什么事',
  '羊羔拉稀怎么治',
  '花生播种用多少种子',
];
