/** Longest title a knowledge document may have (the API refuses longer; saved expert answers are cut to it). */
export const TITLE_MAX = 200;
