/** Longest message a conversation takes in; longer input is refused where it enters, naming this limit. */
export const MAX_MESSAGE_CHARS = 2000;
