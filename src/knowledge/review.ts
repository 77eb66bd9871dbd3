/**
 * A shipped document is reviewed on a date and must be reviewed again by another (front matter reviewBy).
 * After that day the bot still answers from it, since the facts rarely change overnight, but says so to the
 * farmer, and the console lists it for the bureau to review.
 */
export const PAST_REVIEW_NOTICE = '（此资料已过复核期，请以县农业农村局最新通知为准）';

/** SQL for "this document (alias d) is past its review date", in the database's own calendar. */
export const PAST_REVIEW_SQL = '(d.review_by IS NOT NULL AND d.review_by < current_date)';
