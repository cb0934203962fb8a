//! Directories: a local tree uploaded under a key prefix, and the objects
//! under a prefix downloaded into a directory.
