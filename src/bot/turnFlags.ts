/** Set in a turn's state once the channel refused a reply: nothing more is sent to it in that turn. */
export const DELIVERY_FAILED = Symbol('deliveryFailed');
