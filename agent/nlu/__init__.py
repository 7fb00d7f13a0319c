"""Understanding what a shopper said: intent training data, the intent model, the router."""
