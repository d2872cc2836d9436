#define SHADOW int c = 5
