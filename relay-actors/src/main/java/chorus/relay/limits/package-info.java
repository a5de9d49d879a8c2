/** What bounds one client's use of the relay: the rate limits shared by the media path and the control channel. */
package chorus.relay.limits;
