/*
 * clang_api.h - libclang, loaded on first use.
 *
 * Linking libclang and libLLVM into gocc costs every run of gocc the
 * dynamic loader's work on them (half a million relocations, most of the
 * startup of `gocc --version`), which is more than translating a small
 * file takes.  So gocc is not linked against libclang: sema.c loads it
 * with dlopen the first time a file needs a type answer (sema_load_clang),
 * and a file that needs none, a .c input or a link step never pays.
 *
 * Every libclang function the translator calls is listed once in
 * GOCC_CLANG_FUNCS.  A file that includes this header (after
 * <clang-c/Index.h>) calls each through a pointer of the function's own
 * type, named by the #define below it, so the calls read and type-check
 * exactly as direct calls do.  Adding a call to a new libclang function
 * means adding it to both lists (the build fails to link otherwise:
 * nothing links libclang).
 */
#ifndef GOCC_CLANG_API_H
#define GOCC_CLANG_API_H

#include <clang-c/Index.h>

#define GOCC_CLANG_FUNCS(X) \
    X(clang_Cursor_getStorageClass) \
    X(clang_Cursor_isNull) \
    X(clang_File_isEqual) \
    X(clang_File_tryGetRealPathName) \
    X(clang_Type_getNamedType) \
    X(clang_Type_getSizeOf) \
    X(clang_createIndex) \
    X(clang_disposeDiagnostic) \
    X(clang_disposeIndex) \
    X(clang_disposeSourceRangeList) \
    X(clang_disposeString) \
    X(clang_disposeTranslationUnit) \
    X(clang_equalTypes) \
    X(clang_formatDiagnostic) \
    X(clang_getArgType) \
    X(clang_getArrayElementType) \
    X(clang_getArraySize) \
    X(clang_getCString) \
    X(clang_getCanonicalType) \
    X(clang_getCursorDefinition) \
    X(clang_getCursorExtent) \
    X(clang_getCursorKind) \
    X(clang_getCursorLexicalParent) \
    X(clang_getCursorLocation) \
    X(clang_getCursorReferenced) \
    X(clang_getCursorSemanticParent) \
    X(clang_getCursorSpelling) \
    X(clang_getCursorType) \
    X(clang_getDiagnostic) \
    X(clang_getDiagnosticSeverity) \
    X(clang_getFile) \
    X(clang_getFileLocation) \
    X(clang_getFileName) \
    X(clang_getInclusions) \
    X(clang_getNullCursor) \
    X(clang_getNumArgTypes) \
    X(clang_getNumDiagnostics) \
    X(clang_getPointeeType) \
    X(clang_getRangeEnd) \
    X(clang_getRangeStart) \
    X(clang_getResultType) \
    X(clang_getSkippedRanges) \
    X(clang_getTranslationUnitCursor) \
    X(clang_getTypeDeclaration) \
    X(clang_getTypeSpelling) \
    X(clang_getTypedefDeclUnderlyingType) \
    X(clang_isConstQualifiedType) \
    X(clang_isExpression) \
    X(clang_isFunctionTypeVariadic) \
    X(clang_isVolatileQualifiedType) \
    X(clang_parseTranslationUnit2) \
    X(clang_visitChildren)

/* sema.c defines the pointers (GOCC_CLANG_DEFINE); the declarations come
 * before the names are redirected, so __typeof__ sees the real functions. */
#ifdef GOCC_CLANG_DEFINE
#define GOCC_CLANG_PTR(f) __typeof__(&f) gocc_p_##f;
#else
#define GOCC_CLANG_PTR(f) extern __typeof__(&f) gocc_p_##f;
#endif
GOCC_CLANG_FUNCS(GOCC_CLANG_PTR)
#undef GOCC_CLANG_PTR

#define clang_Cursor_getStorageClass gocc_p_clang_Cursor_getStorageClass
#define clang_Cursor_isNull gocc_p_clang_Cursor_isNull
#define clang_File_isEqual gocc_p_clang_File_isEqual
#define clang_File_tryGetRealPathName gocc_p_clang_File_tryGetRealPathName
#define clang_Type_getNamedType gocc_p_clang_Type_getNamedType
#define clang_Type_getSizeOf gocc_p_clang_Type_getSizeOf
#define clang_createIndex gocc_p_clang_createIndex
#define clang_disposeDiagnostic gocc_p_clang_disposeDiagnostic
#define clang_disposeIndex gocc_p_clang_disposeIndex
#define clang_disposeSourceRangeList gocc_p_clang_disposeSourceRangeList
#define clang_disposeString gocc_p_clang_disposeString
#define clang_disposeTranslationUnit gocc_p_clang_disposeTranslationUnit
#define clang_equalTypes gocc_p_clang_equalTypes
#define clang_formatDiagnostic gocc_p_clang_formatDiagnostic
#define clang_getArgType gocc_p_clang_getArgType
#define clang_getArrayElementType gocc_p_clang_getArrayElementType
#define clang_getArraySize gocc_p_clang_getArraySize
#define clang_getCString gocc_p_clang_getCString
#define clang_getCanonicalType gocc_p_clang_getCanonicalType
#define clang_getCursorDefinition gocc_p_clang_getCursorDefinition
#define clang_getCursorExtent gocc_p_clang_getCursorExtent
#define clang_getCursorKind gocc_p_clang_getCursorKind
#define clang_getCursorLexicalParent gocc_p_clang_getCursorLexicalParent
#define clang_getCursorLocation gocc_p_clang_getCursorLocation
#define clang_getCursorReferenced gocc_p_clang_getCursorReferenced
#define clang_getCursorSemanticParent gocc_p_clang_getCursorSemanticParent
#define clang_getCursorSpelling gocc_p_clang_getCursorSpelling
#define clang_getCursorType gocc_p_clang_getCursorType
#define clang_getDiagnostic gocc_p_clang_getDiagnostic
#define clang_getDiagnosticSeverity gocc_p_clang_getDiagnosticSeverity
#define clang_getFile gocc_p_clang_getFile
#define clang_getFileLocation gocc_p_clang_getFileLocation
#define clang_getFileName gocc_p_clang_getFileName
#define clang_getInclusions gocc_p_clang_getInclusions
#define clang_getNullCursor gocc_p_clang_getNullCursor
#define clang_getNumArgTypes gocc_p_clang_getNumArgTypes
#define clang_getNumDiagnostics gocc_p_clang_getNumDiagnostics
#define clang_getPointeeType gocc_p_clang_getPointeeType
#define clang_getRangeEnd gocc_p_clang_getRangeEnd
#define clang_getRangeStart gocc_p_clang_getRangeStart
#define clang_getResultType gocc_p_clang_getResultType
#define clang_getSkippedRanges gocc_p_clang_getSkippedRanges
#define clang_getTranslationUnitCursor gocc_p_clang_getTranslationUnitCursor
#define clang_getTypeDeclaration gocc_p_clang_getTypeDeclaration
#define clang_getTypeSpelling gocc_p_clang_getTypeSpelling
#define clang_getTypedefDeclUnderlyingType gocc_p_clang_getTypedefDeclUnderlyingType
#define clang_isConstQualifiedType gocc_p_clang_isConstQualifiedType
#define clang_isExpression gocc_p_clang_isExpression
#define clang_isFunctionTypeVariadic gocc_p_clang_isFunctionTypeVariadic
#define clang_isVolatileQualifiedType gocc_p_clang_isVolatileQualifiedType
#define clang_parseTranslationUnit2 gocc_p_clang_parseTranslationUnit2
#define clang_visitChildren gocc_p_clang_visitChildren

/* Load libclang (once per process; thread-safe).  Returns 0, or -1 with
 * a message in err ("cannot load libclang: ..."). */
int sema_load_clang(char *err, size_t errlen);

#endif
