"""release: solutions/ -> labs/ (student notebooks), verified; publish: labs/ and the deeplabs
package -> the student repository, without solutions, hidden tests or the grader."""
