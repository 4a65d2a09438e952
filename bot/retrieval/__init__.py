"""Knowledge-base retrieval: articles, BM25, dense embeddings, hybrid fusion, evaluation."""
