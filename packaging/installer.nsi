; 科创台账 installer (NSIS 3, Modern UI 2, Simplified Chinese).
;
;   makensis -NOCD -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION4=0.1.0.0 -DBUNDLE=dist\kechuang-taizhang-0.1.0
;            -DICON=build\packaging\app.ico -DOUTFILE=dist\kechuang-taizhang-0.1.0-setup.exe
;            packaging\installer.nsi
;
; VERSION comes from pyproject.toml (build.sh and .github/workflows/windows.yml pass it), BUNDLE is
; the PyInstaller folder. Per-user: no administrator rights asked (RequestExecutionLevel user),
; installed into %LOCALAPPDATA%\Programs\kechuang-taizhang, shortcuts in this user's Start menu and
; on the desktop, the uninstaller registered under HKCU. The data never lives here: the store, its
; backups, the settings and the logs are in the user's data folders (%LOCALAPPDATA%\bureau\
; kechuang-taizhang, see db/locate.py and desktop/paths.py), which the uninstaller keeps.
; TARGET (optional) is the installer's stub, x86-unicode by default. EXE is the programs' suffix: ".exe" (the default); build.sh passes -DEXE= for the Linux bundle,
; wrapped here only to prove the script compiles.

Unicode true
ManifestDPIAware true
; The official Windows NSIS has the 32-bit stubs only (fine for installing the 64-bit programs);
; Debian's has amd64 too, which build.sh uses so that wine64 can run the installer.
!ifdef TARGET
  Target ${TARGET}
!else
  Target x86-unicode
!endif
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "VERSION is not defined: makensis -DVERSION=… (pyproject.toml's version)"
!endif
!ifndef VERSION4
  !error "VERSION4 is not defined: makensis -DVERSION4=a.b.c.d"
!endif
!ifndef BUNDLE
  !error "BUNDLE is not defined: makensis -DBUNDLE=dist\kechuang-taizhang-VERSION"
!endif
!ifndef OUTFILE
  !define OUTFILE "kechuang-taizhang-${VERSION}-setup.exe"
!endif
!ifndef EXE
  !define EXE ".exe"
!endif

!define APP_NAME "科创台账"
!define APP_ID "kechuang-taizhang"
!define PUBLISHER "科创台账开发组"
!define GUI_PROGRAM "kechuang${EXE}"
!define CLI_PROGRAM "bureau${EXE}"
!define UNINSTALLER "卸载科创台账.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define SETTINGS_KEY "Software\${APP_ID}"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_ID}"
InstallDirRegKey HKCU "${SETTINGS_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_NAME} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${PUBLISHER}"

!include "MUI2.nsh"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "将为当前用户安装${APP_NAME} ${VERSION}，不需要管理员权限。$\r$\n$\r$\n数据文件保存在您的用户数据文件夹中，安装、升级和卸载都不会改动它。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_PROGRAM}"
!define MUI_FINISHPAGE_RUN_TEXT "现在打开${APP_NAME}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从 $INSTDIR 删除${APP_NAME}的程序文件和快捷方式。$\r$\n台账数据、备份、设置和日志保存在用户数据文件夹（$LOCALAPPDATA\bureau\${APP_ID}）中，不会删除。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Section "${APP_NAME}" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the program files; the data folders are elsewhere and untouched.
  RMDir /r "$INSTDIR\_internal"
  RMDir /r "$INSTDIR\licenses"
  File /r "${BUNDLE}\*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${GUI_PROGRAM}" "" "$INSTDIR\${GUI_PROGRAM}" 0
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\卸载${APP_NAME}.lnk" "$INSTDIR\${UNINSTALLER}"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${GUI_PROGRAM}" "" "$INSTDIR\${GUI_PROGRAM}" 0

  WriteRegStr HKCU "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${GUI_PROGRAM}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; Removes exactly what the installer put here. The user's data folders (the store bureau.sqlite
; and backups\ in %LOCALAPPDATA%\bureau\kechuang-taizhang, the settings and the logs) are kept.
Section "Uninstall"
  SetShellVarContext current
  Delete "$DESKTOP\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\卸载${APP_NAME}.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"

  Delete "$INSTDIR\${GUI_PROGRAM}"
  Delete "$INSTDIR\${CLI_PROGRAM}"
  RMDir /r "$INSTDIR\_internal"
  RMDir /r "$INSTDIR\licenses"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"  ; only if empty: anything else the user put there stays

  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${SETTINGS_KEY}"
SectionEnd
