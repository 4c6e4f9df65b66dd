//! Sentiment of customer comments (issue 4, in progress).
